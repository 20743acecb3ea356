"""Pages for mentoring requests, suggestions and introductions, and the programme team's matching tools.

Thin views: a form parses the input, one service or selector does the work. Objects come from scoped selectors,
so another mutual's request or another mentor's introduction is a 404, the same as a missing id. One module per
reader: the mutual (`requests`), the mentor (`introductions`), the programme team (`staff`, `batches`).
"""

from matching.views.batches import (
    batch_create,
    batch_detail,
    batch_discard,
    batch_list,
    batch_publish,
    batch_remove_pair,
)
from matching.views.introductions import (
    introduction_accept,
    introduction_decline,
    introduction_detail,
    introduction_list,
)
from matching.views.requests import (
    introduction_withdraw,
    request_choose,
    request_create,
    request_detail,
    request_edit,
    request_list,
    request_withdraw,
)
from matching.views.staff import (
    attention_queue,
    run_detail,
    run_list,
    run_start,
    run_status,
    staff_introduce,
    staff_no_match,
    staff_request_detail,
    weights,
)

__all__ = [
    "attention_queue",
    "batch_create",
    "batch_detail",
    "batch_discard",
    "batch_list",
    "batch_publish",
    "batch_remove_pair",
    "introduction_accept",
    "introduction_decline",
    "introduction_detail",
    "introduction_list",
    "introduction_withdraw",
    "request_choose",
    "request_create",
    "request_detail",
    "request_edit",
    "request_list",
    "request_withdraw",
    "run_detail",
    "run_list",
    "run_start",
    "run_status",
    "staff_introduce",
    "staff_no_match",
    "staff_request_detail",
    "weights",
]
