"""What each position title lets its holder see. One table, read by the jurisdiction resolver.

Minimum necessary (PIPL art. 6; issue 6 item 1), per scope:

=========  ==================================================================================
``people``   the people directory (masked) of the position's subtree: name, sex, birth month,
             unit, masked ID number and phone, party-member ledgers, volunteer record,
             positions; registration; reveal of one full value with a reason (logged, capped).
``service``  the residents of the subtree for service only: name, unit (address, occupancy)
             and masked phone. No ID number (not even masked), sex or birth date, no
             party-member ledgers or member data, no volunteer record or positions, no
             search by ID number, no reveal, no registration, no small counts. A property
             manager, over the compounds the company serves.
``public``   areas, organisations and counts only (small counts withheld). Department staff
             and the other posts: personal data reaches them only as it is sent to them (a
             case assigned to their organisation, in the cases app).
=========  ==================================================================================
"""

from __future__ import annotations

from .models import Title

PEOPLE = "people"
SERVICE = "service"
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
    Title.PROPERTY_MANAGER: SERVICE,
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
