"""Ideas (Betri Reykjavik): posted for an area, supported, answered by the council."""
