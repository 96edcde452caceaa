from tests.slack.conftest import fake_slack, stack

__all__ = ["fake_slack", "stack"]
