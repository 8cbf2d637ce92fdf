"""History -> forecast -> staffing requirement: what is needed, hour by hour."""
