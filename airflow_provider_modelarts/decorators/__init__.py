"""TaskFlow decorators: ``@task.modelarts`` (:mod:`.modelarts`)."""
