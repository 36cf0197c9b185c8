"""Civic voice (issue 23): problem reports (FixMyStreet, also over Open311 GeoReport v2),
ideas the council must answer (Betri Reykjavik) and citizen sensors (Smart Citizen Kit)."""
