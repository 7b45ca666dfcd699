#include "valuesfixture.h"

#include "sheets/xlsxreader.h"

#include <QFile>

#include <cmath>
#include <nlohmann/json.hpp>

namespace tt::test {

QByteArray valuesJsonFromWorkbook(const QString &xlsx, const QString &sheet)
{
    XlsxReader reader(xlsx);
    nlohmann::json values = nlohmann::json::array();
    qint64 maxCol = 0;
    reader.readSheet(sheet, [&](SheetRow &row) {
        while (qint64(values.size()) < row.number - 1)
            values.push_back(nlohmann::json::array());
        nlohmann::json r = nlohmann::json::array();
        size_t used = 0;
        for (size_t i = 0; i < row.cells.size(); ++i)
            if (!row.cells[i].isEmpty() || row.cells[i].kind != Cell::Kind::Empty)
                used = i + 1;
        for (size_t i = 0; i < used; ++i) {
            const Cell &c = row.cells[i];
            switch (c.kind) {
            case Cell::Kind::Empty:
                r.push_back("");
                break;
            case Cell::Kind::Text:
            case Cell::Kind::Error:
                r.push_back(c.text.toStdString());
                break;
            case Cell::Kind::Boolean:
                r.push_back(c.number != 0);
                break;
            case Cell::Kind::Number:
            case Cell::Kind::DateTime:
                if (std::floor(c.number) == c.number && std::abs(c.number) < 1e15)
                    r.push_back(qint64(c.number));
                else
                    r.push_back(c.number);
                break;
            }
        }
        maxCol = std::max<qint64>(maxCol, qint64(used));
        values.push_back(r);
        return true;
    });
    while (!values.empty() && values.back().empty())
        values.erase(values.size() - 1);
    const nlohmann::json answer = {{"range", QStringLiteral("%1!A1:%2%3")
                                                 .arg(sheet)
                                                 .arg(QChar(u'A' + int(maxCol) - 1))
                                                 .arg(values.size())
                                                 .toStdString()},
                                   {"majorDimension", "ROWS"},
                                   {"values", values}};
    return QByteArray::fromStdString(answer.dump());
}

QString dataDir()
{
    return qEnvironmentVariable("TT_SOURCE_DIR") + QStringLiteral("/tests/data/sheetsapi/");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

nlohmann::json keyJson()
{
    return nlohmann::json::parse(readAll(dataDir() + QStringLiteral("test-service-account.json")).toStdString());
}

nlohmann::json clientJson()
{
    return nlohmann::json::parse(readAll(dataDir() + QStringLiteral("test-oauth-client.json")).toStdString());
}

} // namespace tt::test
