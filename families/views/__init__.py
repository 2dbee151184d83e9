"""Family portal pages (portal), and the staff pages that feed it: invitations
and contact (people), skill summaries and notes (summaries), family group (family_group)."""
