"""VeriFactu records ("registros de facturación") and the per-issuer chain head.

- ``VerifactuRecord`` is append-only like the documents: an ``alta`` for every invoice
  and credit note, written in the transaction that issues it, and an ``anulacion`` when
  a record must be cancelled. It keeps the values the hash was computed from exactly as
  they are written in its XML (``xml``, one ``RegistroAlta``/``RegistroAnulacion``), the
  previous record's hash and its own.
- ``VerifactuChain`` is one row per issuer NIF, locked (``select_for_update``) while a
  record is added, so concurrent issuings queue on it and never fork the chain. A
  unique ``(issuer_nif, previous_hash)`` makes a fork impossible in the database too.

Imported by ``documents.models`` (the models belong to the documents app).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyQuerySet

from ..errors import ImmutableDocument


class RecordKind(models.TextChoices):
    ALTA = "alta", _("Registration")
    ANULACION = "anulacion", _("Cancellation")


class VerifactuChain(models.Model):
    """The head of one issuer's chain: its last record and how many it has."""

    issuer_nif = models.CharField(_("issuer NIF"), max_length=9, unique=True)
    last_record = models.ForeignKey(
        "documents.VerifactuRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    length = models.PositiveIntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("VeriFactu chain")
        verbose_name_plural = _("VeriFactu chains")

    def __str__(self):
        return self.issuer_nif


class RecordQuerySet(AppendOnlyQuerySet):
    refusal = ImmutableDocument


class VerifactuRecord(models.Model):
    """One VeriFactu record (see the module docstring); never changed or deleted."""

    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    invoice = models.ForeignKey(
        "documents.Invoice",
        on_delete=models.PROTECT,
        related_name="verifactu_records",
        verbose_name=_("invoice"),
    )
    issuer_nif = models.CharField(_("issuer NIF"), max_length=9)
    #: 1, 2, 3... within the issuer's chain.
    sequence = models.PositiveIntegerField(_("sequence"))
    invoice_number = models.CharField(_("number"), max_length=60)
    #: The values exactly as written in the XML (DD-MM-YYYY, "12.35", the timestamp with
    #: its offset): what the hash covers.
    issue_date = models.CharField(_("issue date"), max_length=10)
    invoice_type = models.CharField(_("invoice type"), max_length=2, blank=True)
    total_tax = models.CharField(_("total tax"), max_length=20, blank=True)
    total_amount = models.CharField(_("total amount"), max_length=20, blank=True)
    generated_at = models.CharField(_("generated at"), max_length=25)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    xml = models.TextField(_("XML"))
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["issuer_nif", "sequence"]
        verbose_name = _("VeriFactu record")
        verbose_name_plural = _("VeriFactu records")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_nif", "sequence"], name="verifactu_record_sequence"
            ),
            # Two records chained to the same predecessor would fork the chain.
            models.UniqueConstraint(
                fields=["issuer_nif", "previous_hash"], name="verifactu_record_no_fork"
            ),
            models.UniqueConstraint(
                fields=["invoice", "kind"], name="verifactu_record_one_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.invoice_number} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument()

    @property
    def is_alta(self) -> bool:
        return self.kind == RecordKind.ALTA
