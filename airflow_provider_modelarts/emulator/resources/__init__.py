"""Resource families of the emulator. Every module here with a ``register(router)`` function is loaded."""
