"""A local Huawei Cloud ModelArts emulator (IAM, ModelArts REST v1/v2, OBS, inference).

Start it with ``python -m airflow_provider_modelarts.emulator``. It imports nothing from the provider's
``client/``, ``hooks/``, operators or triggers: a shared bug would hide itself.
"""
