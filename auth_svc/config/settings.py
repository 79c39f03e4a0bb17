"""Settings of the auth service: the common base plus what is its own."""

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("auth"))

INSTALLED_APPS = [*COMMON_APPS]
