"""A real Celery worker against Redis runs the tasks the web side enqueues after commit."""

from customers import services

from .worker import WORKER_MARKS, wait_for

pytestmark = WORKER_MARKS


def test_invitation_email_is_sent_by_a_real_worker(worker, company):
    user = services.create_customer_user(
        company=company, actor=None, email="nuevo@gomez.example", role="buyer"
    )
    assert wait_for(lambda: any(worker.iterdir())), "the worker did not send the invitation"
    (message_file,) = list(worker.iterdir())
    content = message_file.read_text()
    assert "nuevo@gomez.example" in content
    assert "/portal/invitation/" in content
    assert wait_for(lambda: company.timeline.filter(kind="email", object_id=str(user.pk)).exists())
