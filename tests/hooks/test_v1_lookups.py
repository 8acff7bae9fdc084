"""The v1 lookups name what was not found and what is known (one message shape for flavors, engines and
built-in algorithms), against the emulator's catalogue."""

from __future__ import annotations

import pytest

from airflow_provider_modelarts.hooks.methods.training_v1 import V1LookupError
from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook


@pytest.mark.parametrize(("lookup", "args", "message"), [
    ("resolve_spec_id_v1", ("modelarts.vm.none",), r"train_instance_type 'modelarts.vm.none' is not a v1 training "
                                                   r"flavor; known: .*modelarts\.vm\.cpu"),
    ("resolve_engine_id_v1", ("NoSuch", "0.1"), r"framework_type/framework_version 'NoSuch'/'0.1' is not a v1 "
                                                r"engine; known: .+/.+\.$"),
    ("resolve_model_id_v1", ("no-such-algorithm",), r"model_name 'no-such-algorithm' is not a built-in algorithm; "
                                                    r"known: .+\.$"),
])
def test_an_unknown_name_is_refused_with_the_known_ones(modelarts_conn, lookup: str, args: tuple, message: str) -> None:
    with pytest.raises(V1LookupError, match=message):
        getattr(ModelArtsHook(), lookup)(*args)


def test_a_known_flavor_resolves(modelarts_conn) -> None:
    hook = ModelArtsHook()
    code = hook.list_resource_specs_v1()[0]["spec_code"]
    assert isinstance(hook.resolve_spec_id_v1(code), int)
