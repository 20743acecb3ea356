"""The information benchmark still runs (at a tiny size) and cleans up after itself. No timings are asserted."""

from __future__ import annotations

import pytest

from accounts.models import User
from bench import information as bench
from information.models import Enquiry, Resource


@pytest.mark.django_db
def test_the_benchmark_runs_and_removes_its_rows() -> None:
    users = User.objects.count()
    figures = bench.run(resources=60, enquiries=60, repeat=1)
    assert {page["page"] for page in figures["pages"]} == {label for label, *_ in bench.PAGES}
    assert all(page["queries"] > 0 for page in figures["pages"])
    assert figures["same_queries_at_every_size"] is True
    assert User.objects.count() == users
    assert not Resource.objects.exists()
    assert not Enquiry.objects.exists()
