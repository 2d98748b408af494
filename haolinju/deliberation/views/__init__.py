"""Deliberation pages: ``votes`` (proposals, votes, the desk, receipts, cost shares, the party
review queue), ``tracker`` (joint meetings and tasks), ``conventions`` (the compound convention)."""
