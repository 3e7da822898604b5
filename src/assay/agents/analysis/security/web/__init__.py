"""Security families that probe web pages (what the crawl saw), not the operations of a spec."""
