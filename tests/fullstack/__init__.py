"""Full-stack tests: the real Airflow api-server, scheduler, dag-processor and triggerer (marker ``fullstack``)."""
