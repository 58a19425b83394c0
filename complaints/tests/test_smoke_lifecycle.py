"""The whole lifecycle through the services, quickly (the detailed tests are apart)."""

from complaints.models import ComplaintStatus


def test_lifecycle_through_services(order, file_complaint, walk, buyer, flush):
    from complaints import services

    complaint = file_complaint(order=order.number, sku="DRILL-18V")
    assert complaint.number.startswith("REC-")
    assert complaint.status == ComplaintStatus.ABIERTA
    assert complaint.first_response_due is not None
    complaint = walk(complaint, to="resuelta", resolution="explanation", note="Explicado")
    assert complaint.status == ComplaintStatus.RESUELTA
    with flush():
        complaint = services.accept_resolution(complaint=complaint, actor=buyer)
    assert complaint.status == ComplaintStatus.CERRADA
    with flush():
        complaint = services.rate_complaint(complaint=complaint, actor=buyer, score=5)
    assert complaint.rating_score == 5
