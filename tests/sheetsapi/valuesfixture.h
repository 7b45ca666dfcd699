#pragma once
// Test helper shared by the Sheets API tests: an XLSX tab turned into the JSON Google's values.get answers.
#include <QByteArray>
#include <QString>

namespace tt::test {

// XLSX rows as Google's values.get returns them: numbers and serial dates as JSON numbers, booleans as
// booleans, errors as their text, trailing empty cells and trailing empty rows left out, gaps as [].
QByteArray valuesJsonFromWorkbook(const QString &xlsx, const QString &sheet);

} // namespace tt::test
