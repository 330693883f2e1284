"""Mail tests; `smtp_server` is a fixture module with assertions worth rewriting."""

import pytest

pytest.register_assert_rewrite("tests.mail.smtp_server")
