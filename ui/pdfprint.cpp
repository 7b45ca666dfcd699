#include "pdfprint.h"

#include <QAbstractTextDocumentLayout>
#include <QCoreApplication>
#include <QFileDevice>
#include <QPainter>
#include <QPdfWriter>
#include <QTextDocument>

namespace tt::ui {

bool printHtmlToPdf(const QString &html, QIODevice *device, const QString &title)
{
    QPdfWriter writer(device);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Landscape); // the roster tables have up to ten columns
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setResolution(72); // device units = points: the layout does not depend on the screen's DPI
    writer.setCreator(QStringLiteral("TrackTally Recovery"));
    writer.setTitle(title);

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    QFont font = doc.defaultFont();
    font.setPointSizeF(8);
    doc.setDefaultFont(font);
    // QTextDocument ignores CSS table widths: wide tables get the page width as an attribute instead, so long
    // e-mail addresses wrap less (the small totals tables keep their natural width).
    QString printable = html;
    printable.replace(QStringLiteral("<table>"), QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\">"));
    printable.replace(QStringLiteral("<table class=\"totals\">"), QStringLiteral("<table class=\"totals\" cellspacing=\"0\" cellpadding=\"3\">"));
    doc.setHtml(printable);
    doc.setDocumentMargin(0);

    const QRectF area = writer.pageLayout().paintRectPixels(72);
    const qreal footer = 18; // points for the page number
    const QSizeF page(area.width(), area.height() - footer);
    doc.setPageSize(page);
    const int pages = doc.pageCount();
    QPainter painter;
    if (!painter.begin(&writer))
        return false;
    painter.setFont(font);
    for (int n = 0; n < pages; ++n) {
        if (n > 0)
            writer.newPage();
        painter.save();
        painter.translate(0, -n * page.height());
        const QRectF clip(0, n * page.height(), page.width(), page.height());
        painter.setClipRect(clip);
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = clip;
        doc.documentLayout()->draw(&painter, context);
        painter.restore();
        painter.drawText(QRectF(0, page.height(), page.width(), footer), Qt::AlignRight | Qt::AlignBottom,
                         QCoreApplication::translate("tt::ui::PdfPrint", "Page %1 of %2").arg(n + 1).arg(pages));
    }
    painter.end();
    const auto *file = qobject_cast<QFileDevice *>(device);
    return !file || file->error() == QFileDevice::NoError;
}

} // namespace tt::ui
