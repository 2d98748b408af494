"""HTTP endpoints of the points loop (issue 9): the member's balance read (target ≥ 0.2 × the
bare JSON view), the member's entries, the shop shelf and the member's points page.

Demo scale only: the scaled city data holds no points ledger."""

from endpoints import ROLES, Endpoint, register

# The demo member (a party member with a year of entries and a shop nearby).
ROLES.setdefault("member", ("member", "party_member", "compound"))

register(
    Endpoint(
        "GET /api/v1/points/balance (member)",
        "/api/v1/points/balance",
        user="member",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/points/entries?limit=50 (member)",
        "/api/v1/points/entries?limit=50",
        user="member",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint(
        "GET /api/v1/shop/items (member)",
        "/api/v1/shop/items",
        user="member",
        scales=("demo",),
        tags=("api",),
    ),
    Endpoint("HTML /points/ (member)", "/points/", user="member", session=True, scales=("demo",)),
)
