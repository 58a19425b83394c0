from documents.tests.fixtures import *  # noqa: F403
