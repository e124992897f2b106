"""Google credentials: a service account with domain-wide delegation, or an OAuth authorized-user token.

They come from the environment (``MENTORLEDGER_GOOGLE_CREDENTIALS``: a path to a JSON file) or, in the
Prefect layer, from a Secret block whose value is the same JSON; never from the YAML file. The JSON is
held in memory only, never logged, and not part of any ``repr``. The service account's own
``token_uri`` is honoured, as google-auth does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mentorledger.errors import SourceError
from mentorledger.sources.protocol import Runtime
from mentorledger.sources.secrets import secret_from_block

CREDENTIALS_ENV = "MENTORLEDGER_GOOGLE_CREDENTIALS"
CREDENTIALS_BLOCK_ENV = "MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK"

# The narrowest scope that reads events (times, attendees, response status) of every calendar the
# owner can see, including calendars shared with them; it cannot change anything.
SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly"

_SETUP = f"set {CREDENTIALS_ENV} to a service-account JSON key or an authorized-user token file (see README)"


@dataclass(frozen=True, slots=True)
class GoogleCredentials:
    """Validated credential JSON. ``origin`` says where it came from, for error messages."""

    kind: Literal["service_account", "authorized_user"]
    origin: str
    info: Mapping[str, Any] = field(repr=False)

    def for_owner(self, owner: str) -> Any:
        """google-auth credentials that read ``owner``'s calendars: the service account impersonating
        the owner (domain-wide delegation), or the authorized user as it is."""
        from google.auth.exceptions import GoogleAuthError
        from google.oauth2 import credentials, service_account

        service_account_type: Any = service_account.Credentials
        authorized_user_type: Any = credentials.Credentials
        try:
            if self.kind == "service_account":
                account = service_account_type.from_service_account_info(dict(self.info), scopes=[SCOPE])
                return account.with_subject(owner)
            return authorized_user_type.from_authorized_user_info(dict(self.info), scopes=[SCOPE])
        except (ValueError, TypeError, GoogleAuthError) as exc:  # e.g. a damaged private key
            raise SourceError(
                f"Google credentials in {self.origin} are not usable ({exc.__class__.__name__}); "
                "download a new key or token"
            ) from None


def credentials_from_info(info: Any, origin: str) -> GoogleCredentials:
    """Check that ``info`` is credential JSON we can use; raise SourceError naming what is wrong."""
    if isinstance(info, str | bytes):
        try:
            info = json.loads(info)
        except ValueError:
            raise SourceError(f"Google credentials in {origin} are not JSON; {_SETUP}") from None
    if not isinstance(info, Mapping):
        raise SourceError(f"Google credentials in {origin} are not a JSON object; {_SETUP}")
    kind = info.get("type")
    if kind == "service_account":
        missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    elif kind == "authorized_user":
        missing = [k for k in ("client_id", "client_secret", "refresh_token") if not info.get(k)]
    elif "installed" in info or "web" in info:
        raise SourceError(
            f"{origin} is an OAuth client file, not a token; create an authorized-user token with it "
            "or use a service-account key (see README)"
        )
    else:
        raise SourceError(
            f"Google credentials in {origin} have type {kind!r}; "
            "expected 'service_account' or 'authorized_user' (see README)"
        )
    if missing:
        raise SourceError(f"Google credentials in {origin} lack {', '.join(missing)}; {_SETUP}")
    return GoogleCredentials(kind, origin, dict(info))


def credentials_from_environment(environ: Mapping[str, str] | None = None) -> GoogleCredentials:
    """The credentials named by ``MENTORLEDGER_GOOGLE_CREDENTIALS``; SourceError if unset or unusable."""
    env = os.environ if environ is None else environ
    location = env.get(CREDENTIALS_ENV, "").strip()
    if not location:
        raise SourceError(f"no Google credentials: {_SETUP}")
    path = Path(location).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SourceError(f"Google credentials file {path} not found; {_SETUP}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read Google credentials file {path} ({exc.__class__.__name__})") from None
    return credentials_from_info(text, f"file {path}")


def load_credentials(runtime: Runtime) -> GoogleCredentials:
    """Credentials from the Secret block named by ``MENTORLEDGER_GOOGLE_CREDENTIALS_BLOCK`` (when the
    runtime has a secret store), else from the file named by ``MENTORLEDGER_GOOGLE_CREDENTIALS``."""
    found = secret_from_block(runtime, CREDENTIALS_BLOCK_ENV)
    if found is None:
        return credentials_from_environment()
    value, origin = found
    return credentials_from_info(value, origin)
