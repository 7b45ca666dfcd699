#include "snapshotsheet.h"

#include "common/errors.h"
#include "sheets/sheetsapi.h"

#include <QCoreApplication>

namespace tt {

namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::SnapshotSheet", text); }

// The header and rows of one tab, every cell encoded as in the CSV files.
std::vector<QStringList> tabRows(const QStringList &header, const std::vector<QStringList> &rows)
{
    std::vector<QStringList> out;
    out.reserve(rows.size() + 1);
    out.push_back(header);
    for (const QStringList &r : rows) {
        QStringList cells;
        for (const QString &c : r)
            cells << encodeSnapshotCell(c);
        out.push_back(cells);
    }
    return out;
}

QString firstRowText(const std::vector<SheetRow> &rows)
{
    for (const SheetRow &r : rows) {
        QStringList cells;
        bool any = false;
        for (const Cell &c : r.cells) {
            cells << c.text;
            any = any || !c.text.isEmpty();
        }
        if (any) {
            while (!cells.isEmpty() && cells.last().isEmpty())
                cells.removeLast();
            return cells.join(u',');
        }
    }
    return {};
}

} // namespace

QStringList snapshotSheetTabs()
{
    return {QStringLiteral("Roster teachers"), QStringLiteral("Roster classrooms"), QStringLiteral("Roster students")};
}

QString SnapshotSheetResult::describe() const
{
    QString line = tr("Roster snapshot written to the Google Sheet %1: %2 teachers, %3 classrooms, %4 students in "
                      "the tabs %5.")
                       .arg(spreadsheetId)
                       .arg(teachers)
                       .arg(classrooms)
                       .arg(students)
                       .arg(snapshotSheetTabs().join(QStringLiteral(", ")));
    if (!tabsAdded.isEmpty())
        line += u' ' + tr("Added: %1.").arg(tabsAdded.join(QStringLiteral(", ")));
    return line;
}

SnapshotSheetResult writeSnapshotToSheet(const RosterSnapshot &snapshot, SheetsApiClient &client,
                                         const QString &spreadsheetId, Progress *progress)
{
    const QStringList tabs = snapshotSheetTabs();
    const std::vector<std::vector<QStringList>> content = {
        tabRows(RosterSnapshot::teacherColumns(), snapshot.teacherRows()),
        tabRows(RosterSnapshot::classroomColumns(), snapshot.classroomRows()),
        tabRows(RosterSnapshot::studentColumns(), snapshot.studentRows())};
    SnapshotSheetResult result;
    result.spreadsheetId = spreadsheetId;
    result.teachers = qint64(snapshot.teachers.size());
    result.classrooms = qint64(snapshot.classrooms.size());
    result.students = qint64(snapshot.students.size());

    // First every check, then every write: a tab the school wrote itself stops it before anything changes.
    const QStringList existing = client.sheetTitles(spreadsheetId, progress);
    for (int i = 0; i < tabs.size(); ++i) {
        if (!existing.contains(tabs[i]))
            continue;
        const auto values = client.fetchValues(spreadsheetId, tabs[i], progress);
        const QString first = values ? firstRowText(values->rows) : QString();
        if (!first.isEmpty() && first != content[size_t(i)].front().join(u','))
            throw UserError(tr("The spreadsheet %1 already has a tab \"%2\" that is not a roster snapshot (its first "
                               "row is \"%3\"). Rename that tab, then write the snapshot again. Nothing was written.")
                                .arg(spreadsheetId, tabs[i], first.left(80)));
        result.tabsRewritten << tabs[i];
    }
    for (int i = 0; i < tabs.size(); ++i) {
        checkCancel(progress);
        const QString tab = SheetsApiClient::quotedTab(tabs[i]);
        if (!existing.contains(tabs[i])) {
            client.addSheet(spreadsheetId, tabs[i], progress);
            result.tabsAdded << tabs[i];
        } else {
            client.clearValues(spreadsheetId, tab + QStringLiteral("!A:ZZ"), progress);
        }
        client.updateValues(spreadsheetId, tab + QStringLiteral("!A1"), content[size_t(i)], progress);
    }
    return result;
}

} // namespace tt
