#pragma once
// Workbooks written part by part, for hostile-file tests: any sheet XML, any shared-string table, any zip entry.
// (xlsxwriter.h writes well-formed workbooks from cells; this writes what a hostile or damaged file holds.)
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace tt::test {

using ZipPart = QPair<QString, QByteArray>;

// Writes the parts as a zip (deflated); false and *error on failure.
bool writeZip(const QString &path, const QList<ZipPart> &parts, QString *error = nullptr);

// The parts of a workbook with one sheet (named sheetName) whose <sheetData> is sheetData and whose shared-string
// table holds sharedItems (the <si> elements); a cellXfs table with style 1 a date.
QList<ZipPart> workbookParts(const QByteArray &sheetData, const QByteArray &sharedItems = QByteArray(),
                             const QByteArray &sheetName = "Incidents");

// Column letters of a 0-based column: 0 -> "A", 16383 -> "XFD".
QByteArray columnLetters(int column);

// <c r="..." t="inlineStr"><is><t>text</t></is></c>, text escaped for XML.
QByteArray inlineCell(int column, qint64 row, const QString &text);
// <c r="..." t="s"><v>index</v></c>
QByteArray sharedCell(int column, qint64 row, qint64 index);

} // namespace tt::test
