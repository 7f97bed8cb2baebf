"""Report pages: list, write, submit, review, and evidence photos (served only through here, audited)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loa.web.access import audit
from loa.web.access.decorators import staff_required
from loa.web.access.rules import can_act_for, can_approve, require
from loa.web.access.scoping import get_scoped_or_404, scoped
from loa.web.dispatches.models import Delivery
from loa.web.publishing import flows as publishing
from loa.web.reports import consent, flows
from loa.web.reports.forms import ConsentForm, PhotoForm, ReportForm, ReviewForm
from loa.web.reports.models import AUDIENCE_FIELDS, ActivityReport, EvidencePhoto
from loa.web.reports.photos import PhotoRejected


@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = scoped(ActivityReport.objects.select_related("unit", "delivery__dispatch"), request.user)
    status = request.GET.get("trang-thai", "")
    if status in ActivityReport.Status.values:
        reports = reports.filter(status=status)
    return render(
        request,
        "reports/list.html",
        {"reports": reports[:200], "status": status, "statuses": ActivityReport.Status.choices},
    )


@staff_required
def report_create(request: HttpRequest, delivery_pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(
        Delivery.objects.select_related("unit", "dispatch"), request.user, pk=delivery_pk
    )
    require(can_act_for(request.user, delivery.unit))
    from_post = publishing.report_initial(request.user, request.GET.get("bai-dang"))  # link and date
    form = ReportForm(request.POST or None, delivery=delivery, initial=from_post)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["client_token"]
        saved = (
            ActivityReport.objects.filter(delivery=delivery, client_token=token).first() if token else None
        )
        if saved is not None:  # the same form again (resent after an outage, a double click)
            return redirect("staff:report", pk=saved.pk)
        report = form.save(commit=False)
        report.delivery, report.unit, report.created_by = delivery, delivery.unit, request.user
        report.client_token = token
        try:
            with transaction.atomic():
                report.save()
                audit.record(
                    request.user,
                    "report.created",
                    report,
                    f"{report.unit}: {report.title}",
                    path=report.unit.path,
                    request=request,
                )
        except IntegrityError:  # the same form, sent twice at once: the other request saved it
            saved = get_object_or_404(ActivityReport, delivery=delivery, client_token=token)
            return redirect("staff:report", pk=saved.pk)
        messages.success(
            request, "Đã lưu báo cáo nháp. Thêm ảnh minh chứng rồi nộp để đơn vị cấp trên duyệt."
        )
        return redirect("staff:report", pk=report.pk)
    context = {"form": form, "delivery": delivery, "publications": publishing.published(request.user)}
    return render(request, "reports/form.html", context)


@staff_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(
        ActivityReport.objects.select_related("unit", "delivery__dispatch"), request.user, pk=pk
    )
    require(can_act_for(request.user, report.unit) and report.is_editable)
    fields = list(ReportForm.Meta.fields)
    before = {f: getattr(report, f) for f in fields}
    form = ReportForm(request.POST or None, instance=report, delivery=report.delivery)
    if request.method == "POST" and form.is_valid():
        report = form.save()
        audit.record(
            request.user,
            "report.changed",
            report,
            f"{report.unit}: {report.title}",
            path=report.unit.path,
            changes=audit.diff(before, {f: getattr(report, f) for f in fields}),
            request=request,
        )
        messages.success(request, "Đã lưu thay đổi.")
        return redirect("staff:report", pk=report.pk)
    return render(request, "reports/form.html", {"form": form, "delivery": report.delivery, "report": report})


@staff_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(
        ActivityReport.objects.select_related("unit", "delivery__dispatch"), request.user, pk=pk
    )
    counts = [(label, getattr(report, name)) for name, label in AUDIENCE_FIELDS]
    context = {
        "report": report,
        "counts": counts,
        "photos": report.photos.all(),
        "can_edit": can_act_for(request.user, report.unit) and report.is_editable,
        "can_consent": can_act_for(request.user, report.unit),
        "can_review": can_approve(request.user, report.unit)
        and report.status == ActivityReport.Status.SUBMITTED,
        "photo_form": PhotoForm(),
        "review_form": ReviewForm(),
    }
    return render(request, "reports/detail.html", context)


@require_POST
@staff_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(ActivityReport.objects.select_related("unit"), request.user, pk=pk)
    require(can_act_for(request.user, report.unit))
    try:
        flows.submit(report, by=request.user, request=request)
        messages.success(request, "Đã nộp báo cáo; đơn vị cấp trên sẽ xem và duyệt.")
    except flows.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("staff:report", pk=pk)


@require_POST
@staff_required
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(ActivityReport.objects.select_related("unit"), request.user, pk=pk)
    require(can_approve(request.user, report.unit))
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "approve":
            flows.approve(report, by=request.user, note=note, request=request)
            messages.success(request, "Đã duyệt báo cáo.")
        else:
            flows.send_back(report, by=request.user, note=note, request=request)
            messages.success(request, "Đã trả lại báo cáo để đơn vị bổ sung.")
    except flows.ReportError as exc:
        messages.error(request, str(exc))
    return redirect("staff:report", pk=pk)


@require_POST
@staff_required
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(ActivityReport.objects.select_related("unit"), request.user, pk=pk)
    require(can_act_for(request.user, report.unit) and report.is_editable)
    form = PhotoForm(request.POST, request.FILES)
    status = 200
    if getattr(request, "loa_upload_too_large", False):
        limit = settings.LOA_PHOTO_MAX_BYTES / 1048576
        messages.error(request, f"Ảnh quá lớn — tối đa {limit:.0f} MB. Chụp lại với độ phân giải thấp hơn.")
        status = 413
    elif not form.is_valid():
        messages.error(request, "Chọn một tệp ảnh để tải lên.")
        status = 400
    else:
        upload = form.cleaned_data["image"]
        try:
            flows.add_photo(
                report, _read(upload), caption=form.cleaned_data["caption"], by=request.user, request=request
            )
            messages.success(request, "Đã thêm ảnh (đã xóa thông tin vị trí và siêu dữ liệu).")
        except (PhotoRejected, flows.ReportError) as exc:
            messages.error(request, str(exc))
            status = 413 if "quá lớn" in str(exc) else 400
    if status != 200:
        return report_detail_with_status(request, report.pk, status)
    return redirect("staff:report", pk=pk)


def _read(upload: Any) -> bytes:
    """Read at most one byte more than allowed: enough to tell an oversized file, never the whole of it."""
    data: bytes = upload.read(settings.LOA_PHOTO_MAX_BYTES + 1)
    return data


def report_detail_with_status(request: HttpRequest, pk: int, status: int) -> HttpResponse:
    """Show the report again with the upload's error, under a 4xx status."""
    response = report_detail(request, pk)
    response.status_code = status
    return response


@staff_required
def photo_file(request: HttpRequest, pk: int, variant: str) -> FileResponse:
    if variant not in ("lon", "nho"):
        raise Http404
    photo = get_scoped_or_404(EvidencePhoto.objects.select_related("report__unit"), request.user, pk=pk)
    field = photo.thumbnail if variant == "nho" else photo.image
    audit.record(
        request.user,
        "photo.viewed",
        photo,
        f"Xem ảnh minh chứng {photo.pk} ({variant})",
        path=photo.report.unit.path,
        request=request,
    )
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="anh-minh-chung-{photo.pk}.jpg"'
    return response


@staff_required
def photo_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the consent behind a photo and whether it may be published (internal by default)."""
    photo = get_scoped_or_404(
        EvidencePhoto.objects.select_related("report__unit", "consent"), request.user, pk=pk
    )
    require(can_act_for(request.user, photo.report.unit))
    existing = getattr(photo, "consent", None)
    form = ConsentForm(
        request.POST or None,
        instance=existing,
        initial={"publish": photo.publication == EvidencePhoto.Publication.PUBLISHABLE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent.record_consent(photo, **data, by=request.user, request=request)
        except consent.ConsentIncomplete as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã ghi nhận: ảnh {photo.get_publication_display().lower()}.")
            return redirect("staff:report", pk=photo.report_id)
    status = 400 if form.errors else 200
    return render(request, "reports/consent.html", {"form": form, "photo": photo}, status=status)
