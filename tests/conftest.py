"""Shared pytest set-up: the emulator fixtures come from the emulator's own pytest plugin."""

pytest_plugins = ["airflow_provider_modelarts.emulator.testing"]
