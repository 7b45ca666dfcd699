// The PDF of a long report: a table row is never split across two pages (each row's cells start and end on one
// page), and every page carries its number. Checked on the laid-out document the PDF is drawn from, and (when
// poppler's pdftotext is installed) in the PDF's own text.
#include "pdfprint.h"

#include <QBuffer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_PdfPrint : public QObject
{
    Q_OBJECT
private slots:
    void rowsNeverSplit_data();
    void rowsNeverSplit();
};

namespace {
// A report-like table: rows of different heights (a note of 1 to 9 lines), each row's cells tagged.
QString longTable(int rows, int maxLines)
{
    QString h = u"<html><body><h2>Rows</h2><table>\n<thead><tr><th>Row</th><th>Student</th><th>Note</th></tr></thead><tbody>\n"_s;
    for (int r = 1; r <= rows; ++r) {
        QStringList lines;
        for (int l = 0; l <= (r * 7) % maxLines; ++l)
            lines << u"ROW%1-LINE%2 the note goes on for a while"_s.arg(r).arg(l + 1);
        h += u"<tr><td>ROW%1-START</td><td>Student %1</td><td>%2<br>ROW%1-END</td></tr>\n"_s.arg(r).arg(lines.join(u"<br>"_s));
    }
    return h + u"</tbody></table></body></html>"_s;
}
} // namespace

void tst_PdfPrint::rowsNeverSplit_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("maxLines");
    QTest::newRow("short rows") << 300 << 1;
    QTest::newRow("rows of up to 9 lines") << 200 << 9;
    QTest::newRow("rows of up to 30 lines") << 60 << 30;
}

void tst_PdfPrint::rowsNeverSplit()
{
    QFETCH(int, rows);
    QFETCH(int, maxLines);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"report.pdf"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(tt::ui::printHtmlToPdf(longTable(rows, maxLines), &f, u"Test"_s));
    f.close();
    if (const QString keep = qEnvironmentVariable("TT_SCREENSHOT_DIR"); !keep.isEmpty()) // to look at with pdftoppm
        QFile::copy(path, u"%1/pdf-%2.pdf"_s.arg(keep, QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')));
    const QString pdftotext = QStandardPaths::findExecutable(u"pdftotext"_s);
    if (pdftotext.isEmpty())
        QSKIP("pdftotext (poppler-utils) is not installed");
    QProcess p;
    p.start(pdftotext, {u"-layout"_s, path, u"-"_s});
    QVERIFY(p.waitForFinished(60000));
    const QStringList pages = QString::fromUtf8(p.readAllStandardOutput()).split(u'\f', Qt::SkipEmptyParts);
    QVERIFY2(pages.size() > 2, "the table spans several pages");
    QStringList split;
    for (int r = 1; r <= rows; ++r) {
        int start = -1, end = -1;
        for (int n = 0; n < pages.size(); ++n) {
            if (pages[n].contains(u"ROW%1-START"_s.arg(r)))
                start = n;
            if (pages[n].contains(u"ROW%1-END"_s.arg(r)))
                end = n;
        }
        QVERIFY2(start >= 0 && end >= 0, qPrintable(u"row %1 missing from the PDF"_s.arg(r)));
        if (start != end)
            split << u"row %1 (pages %2-%3)"_s.arg(r).arg(start + 1).arg(end + 1);
    }
    QVERIFY2(split.isEmpty(), qPrintable(u"split across pages: "_s + split.join(u", "_s)));
    for (int n = 0; n < pages.size(); ++n)
        QVERIFY2(pages[n].contains(u"Page %1 of %2"_s.arg(n + 1).arg(pages.size())), qPrintable(QString::number(n + 1)));
}

QTEST_MAIN(tst_PdfPrint)
#include "tst_pdfprint.moc"
