#pragma once
// Helpers shared by the Sheets API tests: the test data, and an XLSX tab turned into the JSON Google's
// values.get answers.
#include <QByteArray>
#include <QString>
#include <nlohmann/json.hpp>

namespace tt::test {

// The spreadsheet id every test asks the fake server for.
inline const QString kSheetId = QStringLiteral("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyzW");

QString dataDir(); // tests/data/sheetsapi/, with a trailing slash
QByteArray readAll(const QString &path);
bool writeAll(const QString &path, const QByteArray &data);
nlohmann::json keyJson();    // the test service-account key
nlohmann::json clientJson(); // the test OAuth client

// XLSX rows as Google's values.get returns them: numbers and serial dates as JSON numbers, booleans as
// booleans, errors as their text, trailing empty cells and trailing empty rows left out, gaps as [].
QByteArray valuesJsonFromWorkbook(const QString &xlsx, const QString &sheet);

} // namespace tt::test
