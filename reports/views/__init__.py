"""Report pages: intake, my reports, the county queue and the case page (thin views)."""
