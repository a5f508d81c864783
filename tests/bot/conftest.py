"""The real Patchwork for the bot's tests: set up once per session, stopped at its end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from patchwork_server import Patchwork, Unavailable, running_patchwork


@pytest.fixture(scope="session")
def patchwork(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Patchwork]:
    """A running Patchwork 3.2.1 with two users, or a skip saying why there is none.

    The first session builds ``.venv-patchwork/`` (pip, a few seconds on a good
    link); later ones only unpack, migrate and start.
    """
    try:
        with running_patchwork(tmp_path_factory.mktemp("patchwork")) as server:
            yield server
    except Unavailable as why:
        pytest.skip(f"the real Patchwork is not available: {why}")
