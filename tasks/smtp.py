"""Mail settings for tasks: the configuration's smtp section, the environment, and a Prefect Secret
block for the password. Shared by the invites and report tasks; the core sender is mentorledger.smtp."""

from __future__ import annotations

import os
from typing import Any

from mentorledger.config import Smtp
from mentorledger.errors import UserError
from mentorledger.smtp import PASSWORD_ENV, SmtpSettings


def smtp_settings(smtp: Smtp | None) -> SmtpSettings:
    """Settings for sending, with the password resolved (environment first, else the Secret block)."""
    return SmtpSettings.from_config(smtp, password=smtp_password(smtp) if smtp else None)


def smtp_password(smtp: Smtp) -> str | None:
    """The password from the environment, else from the named Prefect Secret block, else none."""
    if os.environ.get(PASSWORD_ENV) or not smtp.password_secret:
        return os.environ.get(PASSWORD_ENV) or None
    from prefect.blocks.system import Secret

    try:
        block: Any = Secret.load(smtp.password_secret)  # sync in a sync context
    except (ValueError, RuntimeError) as exc:
        raise UserError(
            f"smtp.password_secret: no Prefect Secret block named {smtp.password_secret!r} "
            f"({exc.__class__.__name__}); create it or set {PASSWORD_ENV}"
        ) from None
    value = block.get()
    return str(value) if value else None
