"""The team relay: receives Mango and Bitrix24 events for the whole desk, stores them once, notifies desks."""
