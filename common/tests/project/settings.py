"""A minimal service built on the common base, to test ``common`` as services use it."""

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("commontest"))

# ``tests.project`` holds the models the tests of model helpers need (no migrations).
INSTALLED_APPS = [*COMMON_APPS, "tests.project"]
ROOT_URLCONF = "tests.project.urls"

# What each role's people may do in this admin (single sign-on, common.sso).
ADMIN_ROLE_PERMISSIONS = {"pharmacist": ["auth.view_group"]}
