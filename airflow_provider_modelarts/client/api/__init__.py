"""Request builders: one function per REST operation, returning an :class:`~..request.ApiRequest`.

Paths exist only here. ``{project_id}`` is filled by the client; every other path parameter is quoted.
"""
