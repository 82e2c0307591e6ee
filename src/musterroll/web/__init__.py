"""The web app: public dashboard, family search and reports, caseworkers' pages.

``create_app(settings)`` builds it; ``musterroll serve`` runs it under uvicorn. Modules:
``settings`` (the one settings object), ``security`` (hashes, CSRF, headers), ``auth``
(users, sessions), ``deps`` (typed dependencies), ``ratelimit``, ``i18n``, ``dashboard``
and ``family`` (what the pages show), ``routes_*`` (one router per audience).
"""

from musterroll.web.app import create_app
from musterroll.web.auth import ROLES, User, UserError, add_user
from musterroll.web.settings import WebSettings, load_settings

__all__ = ["ROLES", "User", "UserError", "WebSettings", "add_user", "create_app",
           "load_settings"]
