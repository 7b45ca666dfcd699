#pragma once
// HTML (a report, an incident list, a student's history) printed to PDF: A4 landscape (tables have up to ten
// columns), 15 mm margins, 8 pt text, page numbers at the bottom. The document is laid out page by page, so a
// line of text is never cut across two pages.
#include <QString>

class QIODevice;

namespace tt::ui {

// Returns false when the PDF could not be written (the device's error says why).
bool printHtmlToPdf(const QString &html, QIODevice *device, const QString &title);

} // namespace tt::ui
