"""What the custom NLU components keep in the trained model: one JSON file each."""
from __future__ import annotations

from typing import Any, Optional

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file


def save_json(storage: ModelStorage, resource: Resource, name: str, data: Any) -> None:
    with storage.write_to(resource) as directory:
        dump_obj_as_json_to_file(directory / name, data)


def load_json(storage: ModelStorage, resource: Resource, name: str) -> Optional[Any]:
    """The component's file, or None when the model has none (e.g. trained without it)."""
    try:
        with storage.read_from(resource) as directory:
            return read_json_file(directory / name)
    except (ValueError, FileNotFoundError):
        return None
