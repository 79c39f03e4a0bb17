"""Settings of the orders service: the common base plus what is its own."""

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("orders"))

INSTALLED_APPS = [*COMMON_APPS]
