"""Partner access: API keys, scopes, rate limits, idempotency, CORS.

Routes say what they need with `guards=[require_scope("read" | "ingest" | "admin")]`;
`AuthPlugin(settings)` puts the rest into the app.
"""

from service.auth.access import Principal, principal_of, require_scope
from service.auth.plugin import AuthPlugin

__all__ = ["AuthPlugin", "Principal", "principal_of", "require_scope"]
