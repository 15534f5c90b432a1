"""The service catalogue: agencies, services, life events and bilingual search."""
