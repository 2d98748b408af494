"""What each position title lets its holder see. One table, read by the jurisdiction resolver.

``people``: the holder reads the people directory (masked) of the position's subtree and may ask
to reveal personal data with a reason. ``public``: areas, organisations and counts only.
"""

from __future__ import annotations

from .models import Title

PEOPLE = "people"
PUBLIC = "public"

TITLE_SCOPE: dict[str, str] = {
    Title.DISTRICT_STAFF: PEOPLE,
    Title.STREET_STAFF: PEOPLE,
    Title.COMMUNITY_SECRETARY: PEOPLE,
    Title.COMMUNITY_WORKER: PEOPLE,
    Title.FIRST_SECRETARY: PEOPLE,
    Title.BRANCH_SECRETARY: PEOPLE,
    Title.GROUP_LEADER: PEOPLE,
    Title.BUILDING_HEAD: PEOPLE,
    Title.CENTRAL_HOUSEHOLD: PEOPLE,
    Title.GRID_WORKER: PEOPLE,
    Title.PROPERTY_MANAGER: PEOPLE,
    Title.HYGIENE_OFFICER: PUBLIC,
    Title.PUBLICITY_OFFICER: PUBLIC,
    Title.CULTURE_SPORTS_OFFICER: PUBLIC,
    Title.MEDIATION_OFFICER: PUBLIC,
    Title.OTHER_POST: PUBLIC,
    Title.SUNK_MEMBER: PUBLIC,
    Title.OWNERS_COMMITTEE_CHAIR: PUBLIC,
    Title.CITY_MANAGEMENT_OFFICER: PUBLIC,
    Title.COMMUNITY_POLICE: PUBLIC,
    Title.VOLUNTEER_TEAM_LEADER: PUBLIC,
    Title.DEPARTMENT_STAFF: PUBLIC,
}
