"""The payment gateway protocol's signatures: the platform's signed partner calls (integrations.partners),
used by the platform and by the reference gateway alike. A gateway's notice keeps its id over
retries: the platform applies one id once."""

from onewindow.integrations.partners import TOLERANCE_SECONDS, VerificationError, call, content, sign, verify

__all__ = ["TOLERANCE_SECONDS", "VerificationError", "call", "content", "sign", "verify"]
