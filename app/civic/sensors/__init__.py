"""Citizen sensors (Smart Citizen Kit): devices, batches of readings, hourly cells."""
