"""The ergocycle fleet: inventory, reservations, provider orders, occupancy and forecast."""
