#include "pdfprint.h"

#include <QAbstractTextDocumentLayout>
#include <QCoreApplication>
#include <QFileDevice>
#include <QPainter>
#include <QPdfWriter>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

#include <cmath>

namespace tt::ui {

namespace {
void tablesIn(QTextFrame *frame, QList<QTextTable *> &out)
{
    for (QTextFrame *child : frame->childFrames()) {
        if (auto *t = qobject_cast<QTextTable *>(child))
            out << t;
        tablesIn(child, out);
    }
}

// QTextDocument lets a table row run across a page boundary, cutting its lines apart. Every row that would (and
// fits on one page) starts on the next page instead: its cells' first blocks break the page before them. Returns
// the number of rows moved.
int keepRowsOnOnePage(QTextDocument &doc, qreal pageHeight)
{
    QList<QTextTable *> tables;
    tablesIn(doc.rootFrame(), tables);
    QAbstractTextDocumentLayout *layout = doc.documentLayout();
    int moved = 0;
    for (QTextTable *table : tables) {
        for (int r = 0; r < table->rows(); ++r) {
            qreal top = 1e12, bottom = -1;
            for (int c = 0; c < table->columns(); ++c) {
                const QTextTableCell cell = table->cellAt(r, c);
                if (!cell.isValid() || cell.row() != r)
                    continue;
                top = qMin(top, layout->blockBoundingRect(cell.firstCursorPosition().block()).top());
                bottom = qMax(bottom, layout->blockBoundingRect(cell.lastCursorPosition().block()).bottom());
            }
            if (bottom < 0 || bottom - top >= pageHeight || std::floor(top / pageHeight) == std::floor((bottom - 1) / pageHeight))
                continue;
            for (int c = 0; c < table->columns(); ++c) {
                const QTextTableCell cell = table->cellAt(r, c);
                if (!cell.isValid() || cell.row() != r)
                    continue;
                QTextCursor cursor = cell.firstCursorPosition();
                QTextBlockFormat f = cursor.blockFormat();
                f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
                cursor.setBlockFormat(f);
            }
            ++moved;
        }
    }
    return moved;
}
} // namespace

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
    keepRowsOnOnePage(doc, page.height());
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
