// CsvReader: RFC 4180 parsing, tolerances, encodings, delimiter detection, hostile input.
#include "common/errors.h"
#include "sheets/csvreader.h"

#include <QRandomGenerator>
#include <QStringEncoder>
#include <QTemporaryDir>
#include <QtTest>

using namespace tt;

namespace {

using Rows = QList<QStringList>;

// Expected rows from UTF-8 literals (the test source is UTF-8).
Rows R(std::initializer_list<std::initializer_list<const char *>> rows)
{
    Rows out;
    for (const auto &row : rows) {
        QStringList r;
        for (const char *cell : row)
            r.append(QString::fromUtf8(cell));
        out.append(r);
    }
    return out;
}

struct ReadResult
{
    Rows rows;
    QList<qint64> numbers;
    bool kindsConsistent = true; // Empty iff the text is empty, Text otherwise
};

ReadResult readAll(CsvReader &reader, Progress *progress = nullptr)
{
    ReadResult r;
    reader.read(
        [&r](SheetRow &row) {
            QStringList texts;
            for (const Cell &c : row.cells) {
                texts.append(c.text);
                const Cell::Kind expected = c.text.isEmpty() ? Cell::Kind::Empty : Cell::Kind::Text;
                if (c.kind != expected)
                    r.kindsConsistent = false;
            }
            r.rows.append(texts);
            r.numbers.append(row.number);
            return true;
        },
        progress);
    return r;
}

QList<qint64> oneToN(qsizetype n)
{
    QList<qint64> v;
    for (qsizetype i = 1; i <= n; ++i)
        v.append(i);
    return v;
}

QByteArray utf16(const QString &text, bool littleEndian)
{
    QByteArray out = littleEndian ? QByteArray("\xFF\xFE", 2) : QByteArray("\xFE\xFF", 2);
    QStringEncoder enc(littleEndian ? QStringConverter::Utf16LE : QStringConverter::Utf16BE);
    out += QByteArray(enc.encode(text));
    return out;
}

QString dataDir()
{
    return qEnvironmentVariable("TT_SOURCE_DIR", QStringLiteral(TT_SOURCE_DIR_BUILD)) + QStringLiteral("/tests/data/sheets/");
}

class CountingProgress : public Progress
{
public:
    void begin(const QString &phase, qint64 total) override
    {
        phases.append(phase);
        this->total = total;
    }
    void advance(qint64 done) override
    {
        if (done < last)
            wentBackwards = true;
        last = done;
        ++advances;
    }
    bool cancelRequested() const override { return cancelAfter >= 0 && advances > cancelAfter; }
    QStringList phases;
    qint64 total = -1;
    qint64 last = 0;
    int advances = 0;
    int cancelAfter = -1;
    bool wentBackwards = false;
};

} // namespace

class tst_CsvReader : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void errors_data();
    void errors();
    void handWrittenFiles_data();
    void handWrittenFiles();
    void hugeField_data();
    void hugeField();
    void detectWithoutReading_data();
    void detectWithoutReading();
    void delimiterOverride();
    void largeFileReleasesWhatItRead();
    void sinkStopsEarly();
    void sinkMayKeepOrTakeCells_data();
    void sinkMayKeepOrTakeCells();
    void progressAndCancel_data();
    void progressAndCancel();
    void missingFile();
    void partsReadAsWhole_data();
    void partsReadAsWhole();
    void generatedRoundTrip_data();
    void generatedRoundTrip();
    void mutatedInputNeverCrashes_data();
    void mutatedInputNeverCrashes();
    void nonAsciiFieldsDecodeAsFromUtf8();
    void asciiFieldsOfEveryLength();
};

void tst_CsvReader::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Rows>("expected");
    QTest::addColumn<QList<qint64>>("numbers"); // empty: 1..n
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<QString>("encoding");

    const QString u8 = QStringLiteral("UTF-8");
    QTest::newRow("simple-lf") << QByteArray("a,b,c\n1,2,3\n") << R({{"a", "b", "c"}, {"1", "2", "3"}})
                               << QList<qint64>{} << ',' << u8;
    QTest::newRow("no-trailing-newline") << QByteArray("a,b\n1,2") << R({{"a", "b"}, {"1", "2"}})
                                         << QList<qint64>{} << ',' << u8;
    QTest::newRow("crlf") << QByteArray("a,b\r\n1,2\r\n") << R({{"a", "b"}, {"1", "2"}}) << QList<qint64>{}
                          << ',' << u8;
    QTest::newRow("cr-only") << QByteArray("a,b\r1,2\r") << R({{"a", "b"}, {"1", "2"}}) << QList<qint64>{} << ','
                             << u8;
    QTest::newRow("lf-cr") << QByteArray("a,b\n\r1,2\n\r") << R({{"a", "b"}, {"1", "2"}}) << QList<qint64>{}
                           << ',' << u8;
    QTest::newRow("quoted-comma") << QByteArray("\"Smith, Jo\",x\n") << R({{"Smith, Jo", "x"}})
                                  << QList<qint64>{} << ',' << u8;
    QTest::newRow("doubled-quotes") << QByteArray("\"He said \"\"no\"\"\",\"\"\"\"\n")
                                    << R({{"He said \"no\"", "\""}}) << QList<qint64>{} << ',' << u8;
    QTest::newRow("empty-quoted") << QByteArray("\"\",a,\"\"\n") << R({{"", "a", ""}}) << QList<qint64>{} << ','
                                  << u8;
    QTest::newRow("embedded-crlf") << QByteArray("id,note\r\n1,\"line1\r\nline2\"\r\n2,x\r\n")
                                   << R({{"id", "note"}, {"1", "line1\r\nline2"}, {"2", "x"}})
                                   << QList<qint64>{1, 2, 3} << ',' << u8;
    QTest::newRow("embedded-lf-row-numbers")
        << QByteArray("h1,h2\n1,\"a\nb\nc\nd\"\n2,\"e\n\nf\"\n3,g\n")
        << R({{"h1", "h2"}, {"1", "a\nb\nc\nd"}, {"2", "e\n\nf"}, {"3", "g"}}) << QList<qint64>{1, 2, 3, 4} << ','
        << u8;
    QTest::newRow("lone-quote-unquoted") << QByteArray("5\" ruler,it's\n") << R({{"5\" ruler", "it's"}})
                                         << QList<qint64>{} << ',' << u8;
    QTest::newRow("text-after-closing-quote") << QByteArray("\"abc\"def,x\n") << R({{"abcdef", "x"}})
                                              << QList<qint64>{} << ',' << u8;
    QTest::newRow("not-trimmed") << QByteArray("  a , b  ,\" c \"\n") << R({{"  a ", " b  ", " c "}})
                                 << QList<qint64>{} << ',' << u8;
    QTest::newRow("ragged-rows") << QByteArray("a,b,c\n1\n1,2,3,4,5\n\n,\n")
                                 << R({{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4", "5"}, {""}, {"", ""}})
                                 << QList<qint64>{} << ',' << u8;
    QTest::newRow("trailing-delimiter-at-eof") << QByteArray("a,b,") << R({{"a", "b", ""}}) << QList<qint64>{}
                                               << ',' << u8;
    QTest::newRow("blank-line-counts-as-a-row") << QByteArray("a\n\nb\n") << R({{"a"}, {""}, {"b"}})
                                                << QList<qint64>{1, 2, 3} << ',' << u8;
    QTest::newRow("utf8-bom") << QByteArray("\xEF\xBB\xBFtimestamp,n\n1,2\n") << R({{"timestamp", "n"}, {"1", "2"}})
                              << QList<qint64>{} << ',' << QStringLiteral("UTF-8 (BOM)");
    QTest::newRow("only-bom") << QByteArray("\xEF\xBB\xBF") << Rows{} << QList<qint64>{} << ','
                              << QStringLiteral("UTF-8 (BOM)");
    const QString uni = QStringLiteral(u"Zoë Ñúñez,\"🙂 great, 😀\",日本語\n");
    QTest::newRow("emoji-non-ascii") << uni.toUtf8() << R({{"Zoë Ñúñez", "🙂 great, 😀", "日本語"}})
                                     << QList<qint64>{} << ',' << u8;
    QTest::newRow("utf16le-bom") << utf16(uni + QStringLiteral("a,b\r\n"), true)
                                 << R({{"Zoë Ñúñez", "🙂 great, 😀", "日本語"}, {"a", "b"}})
                                 << QList<qint64>{} << ',' << QStringLiteral("UTF-16LE (BOM)");
    QTest::newRow("utf16be-bom") << utf16(uni + QStringLiteral("a,b\r\n"), false)
                                 << R({{"Zoë Ñúñez", "🙂 great, 😀", "日本語"}, {"a", "b"}})
                                 << QList<qint64>{} << ',' << QStringLiteral("UTF-16BE (BOM)");
    QTest::newRow("invalid-utf8-replaced") << QByteArray("a\xFF\xFE" "b,c\n")
                                           << R({{"a\uFFFD\uFFFDb", "c"}}) << QList<qint64>{}
                                           << ',' << u8;
    QTest::newRow("semicolon-detected") << QByteArray("a;b;c\n1,5;2;3\n4;5;6\n")
                                        << R({{"a", "b", "c"}, {"1,5", "2", "3"}, {"4", "5", "6"}})
                                        << QList<qint64>{} << ';' << u8;
    QTest::newRow("tab-detected") << QByteArray("a\tb\n1, x\t2; y\n") << R({{"a", "b"}, {"1, x", "2; y"}})
                                  << QList<qint64>{} << '\t' << u8;
    QTest::newRow("comma-wins-despite-semicolons-in-notes")
        << QByteArray("a,b,c\n1,\"x;y;z;w\",3\n4,p;q,6\n7,8,9\n")
        << R({{"a", "b", "c"}, {"1", "x;y;z;w", "3"}, {"4", "p;q", "6"}, {"7", "8", "9"}}) << QList<qint64>{}
        << ',' << u8;
    QTest::newRow("single-column-defaults-to-comma") << QByteArray("alpha\nbeta\n") << R({{"alpha"}, {"beta"}})
                                                     << QList<qint64>{} << ',' << u8;
    QTest::newRow("empty-file") << QByteArray() << Rows{} << QList<qint64>{} << ',' << u8;
    QTest::newRow("formula-like-text-kept") << QByteArray("=1+2,+61 400,-x,@y\n")
                                            << R({{"=1+2", "+61 400", "-x", "@y"}}) << QList<qint64>{} << ','
                                            << u8;
}

void tst_CsvReader::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(Rows, expected);
    QFETCH(QList<qint64>, numbers);
    QFETCH(char, delimiter);
    QFETCH(QString, encoding);
    if (numbers.isEmpty())
        numbers = oneToN(expected.size());

    // From memory.
    CsvReader mem = CsvReader::fromData(input, QStringLiteral("Incidents.csv"));
    const ReadResult a = readAll(mem);
    QCOMPARE(a.rows, expected);
    QCOMPARE(a.numbers, numbers);
    QVERIFY(a.kindsConsistent);
    QCOMPARE(mem.delimiter(), delimiter);
    QCOMPARE(mem.encoding(), encoding);

    // From a file (memory-mapped path).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("Incidents.csv"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(input), input.size());
    f.close();
    CsvReader file(path);
    const ReadResult b = readAll(file);
    QCOMPARE(b.rows, expected);
    QCOMPARE(b.numbers, numbers);
    QCOMPARE(file.delimiter(), delimiter);
    QCOMPARE(file.encoding(), encoding);
}

void tst_CsvReader::errors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expectedFragment");

    QTest::newRow("unterminated-quote-row-3")
        << QByteArray("h\n1\n\"never closed\n4\n5\n") << QStringLiteral("row 3: a quoted value is never closed");
    QTest::newRow("unterminated-quote-after-multiline")
        << QByteArray("h\n\"a\nb\"\n\"c\n") << QStringLiteral("row 3: a quoted value is never closed");
    QTest::newRow("nul-bytes") << QByteArray("a,b\n\0\0\0\0", 8)
                               << QStringLiteral("does not look like a text (CSV) file");
    QByteArray garbage;
    for (int i = 0; i < 4096; ++i)
        garbage.append(char((i * 7919 + 13) % 251 + 1)); // no NUL, many control bytes
    QTest::newRow("binary-garbage") << garbage << QStringLiteral("does not look like a text (CSV) file");
    QTest::newRow("zip-header") << QByteArray("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10)
                                << QStringLiteral("does not look like a text (CSV) file");
    QByteArray lateNul(200 * 1024, 'x');
    for (int i = 1; i < 2000; ++i)
        lateNul[i * 100] = '\n';
    lateNul[150 * 1024 + 5] = '\0';
    QTest::newRow("nul-beyond-sample-names-row") << lateNul << QStringLiteral("row 1537, column A contains binary");
}

void tst_CsvReader::errors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expectedFragment);
    CsvReader reader = CsvReader::fromData(input, QStringLiteral("Incidents.csv"));
    try {
        readAll(reader);
        QFAIL("no SourceError thrown");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(expectedFragment), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("Incidents.csv")), qPrintable(e.message()));
    }
}

void tst_CsvReader::handWrittenFiles_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<Rows>("expected");
    QTest::addColumn<QString>("errorFragment");

    QTest::newRow("quoted_multiline_crlf")
        << QStringLiteral("quoted_multiline_crlf.csv") << ','
        << R({{"timestamp", "studentId", "note"},
                {"2025-11-03T01:23:45.678Z", "3430", "Line one\r\nline two, with a comma"},
                {"2025-11-03T02:00:00.000Z", "3431", "He said \"stop\""}})
        << QString();
    QTest::newRow("semicolon_delimited") << QStringLiteral("semicolon_delimited.csv") << ';'
                                         << R({{"timestamp", "studentId", "note"},
                                                 {"2025-11-03T01:23:45.678Z", "3430", "a; b"},
                                                 {"2025-11-04T01:23:45.678Z", "3431", "plain, with comma"}})
                                         << QString();
    QTest::newRow("tab_delimited") << QStringLiteral("tab_delimited.csv") << '\t'
                                   << R({{"timestamp", "studentId", "note"},
                                           {"2025-11-03T01:23:45.678Z", "3430", "Tab, separated; text"}})
                                   << QString();
    QTest::newRow("unterminated_quote") << QStringLiteral("unterminated_quote.csv") << ',' << Rows{}
                                        << QStringLiteral("unterminated_quote.csv, row 2: a quoted value is never closed");
}

void tst_CsvReader::handWrittenFiles()
{
    QFETCH(QString, fileName);
    QFETCH(char, delimiter);
    QFETCH(Rows, expected);
    QFETCH(QString, errorFragment);
    CsvReader reader(dataDir() + fileName);
    if (!errorFragment.isEmpty()) {
        QVERIFY_THROWS_EXCEPTION(SourceError, readAll(reader));
        try {
            readAll(reader);
        } catch (const SourceError &e) {
            QVERIFY2(e.message().contains(errorFragment), qPrintable(e.message()));
            QCOMPARE(e.file(), dataDir() + fileName);
        }
        return;
    }
    const ReadResult r = readAll(reader);
    QCOMPARE(r.rows, expected);
    QCOMPARE(reader.delimiter(), delimiter);
}

void tst_CsvReader::hugeField_data()
{
    QTest::addColumn<bool>("quoted");
    QTest::addColumn<bool>("withDoubledQuotes");
    QTest::newRow("unquoted") << false << false;
    QTest::newRow("quoted") << true << false;
    QTest::newRow("quoted-with-doubled-quotes") << true << true;
}

void tst_CsvReader::hugeField()
{
    QFETCH(bool, quoted);
    QFETCH(bool, withDoubledQuotes);
    QByteArray input("timestamp,studentId,note\n1,2,ok\n3,4,ok\n5,6,");
    QByteArray big(10 << 20, 'z');
    if (withDoubledQuotes)
        for (qsizetype i = 0; i + 1 < big.size(); i += 1000) {
            big[i] = '"';
            big[i + 1] = '"';
        }
    input += quoted ? '"' + big + '"' : big;
    input += "\n7,8,ok\n";
    CsvReader reader = CsvReader::fromData(input, QStringLiteral("Incidents.csv"));
    try {
        readAll(reader);
        QFAIL("no SourceError thrown");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("row 4, column C")), qPrintable(e.message()));
    }
    // Just under the limit is fine.
    QByteArray ok("a,");
    ok += QByteArray(CsvReader::MaxFieldBytes, 'y');
    CsvReader fine = CsvReader::fromData(ok, QStringLiteral("ok.csv"));
    const ReadResult r = readAll(fine);
    QCOMPARE(r.rows.size(), 1);
    QCOMPARE(r.rows.first().value(1).size(), CsvReader::MaxFieldBytes);
}

void tst_CsvReader::largeFileReleasesWhatItRead()
{
    // A mapped file hands the pages it has read back in 4 MB steps (at record boundaries): a 20 MB file with
    // quoted newlines, quotes and long fields everywhere, so some fields span each step, reads the same from the
    // file as from memory, row numbers and all.
    QByteArray input("timestamp,note,device\n");
    qint64 rows = 1;
    for (int i = 0; input.size() < (qint64(20) << 20); ++i) {
        const QByteArray pad(i % 997, char('a' + i % 26));
        input += QByteArray::number(i) + ",\"line one\nline \"\"two\"\" " + pad + "\",device " + QByteArray::number(i % 7);
        input += (i % 3 == 0) ? "\r\n" : "\n";
        ++rows;
    }
    CsvReader mem = CsvReader::fromData(input, QStringLiteral("Incidents.csv"));
    const ReadResult a = readAll(mem);
    QCOMPARE(qint64(a.rows.size()), rows);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("Incidents.csv"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(input), input.size());
    f.close();
    CsvReader file(path);
    const ReadResult b = readAll(file);
    QCOMPARE(b.numbers, a.numbers);
    QVERIFY(b.rows == a.rows);
    QCOMPARE(b.rows.last().value(0), QString::number(rows - 2));
    QVERIFY(b.rows.last().value(1).startsWith(u"line one\nline \"two\" "));
}

void tst_CsvReader::detectWithoutReading_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<QString>("encoding");
    QTest::newRow("semicolon-bom") << QByteArray("\xEF\xBB\xBF" "a;b\n1;2\n") << ';' << QStringLiteral("UTF-8 (BOM)");
    QTest::newRow("tab-utf16le") << utf16(QStringLiteral("a\tb\n1\t2\n"), true) << '\t'
                                 << QStringLiteral("UTF-16LE (BOM)");
    QByteArray big;
    while (big.size() < 300 * 1024)
        big += "x;y;\"quoted, with; both\";z\n";
    QTest::newRow("large-file-sampled") << big << ';' << QStringLiteral("UTF-8");
}

void tst_CsvReader::detectWithoutReading()
{
    QFETCH(QByteArray, input);
    QFETCH(char, delimiter);
    QFETCH(QString, encoding);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("t.csv"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(input);
    f.close();
    CsvReader reader(path);
    reader.detect();
    QCOMPARE(reader.delimiter(), delimiter);
    QCOMPARE(reader.encoding(), encoding);
}

void tst_CsvReader::delimiterOverride()
{
    CsvReader reader = CsvReader::fromData(QByteArray("a;b,c\n1;2,3\n"), QStringLiteral("x.csv"));
    reader.setDelimiter(',');
    const ReadResult r = readAll(reader);
    QCOMPARE(r.rows, (R({{"a;b", "c"}, {"1;2", "3"}})));
    QCOMPARE(reader.delimiter(), ',');
}

void tst_CsvReader::sinkStopsEarly()
{
    CsvReader reader = CsvReader::fromData(QByteArray("a\nb\nc\nd\n"), QStringLiteral("x.csv"));
    QStringList seen;
    reader.read([&seen](SheetRow &row) {
        seen.append(row.cells.at(0).text);
        return seen.size() < 2;
    });
    QCOMPARE(seen, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
}

// The reader reuses its row and cell buffers between records; a sink that keeps copies or takes the
// cells away must still see every record intact.
void tst_CsvReader::sinkMayKeepOrTakeCells_data()
{
    QTest::addColumn<bool>("take");
    QTest::newRow("keep-copies") << false;
    QTest::newRow("move-cells-out") << true;
}

void tst_CsvReader::sinkMayKeepOrTakeCells()
{
    QFETCH(bool, take);
    const QByteArray input("long value one,b,c,d\nx\n,,\nZo\xC3\xAB,\"q\"\"\",tail\n");
    const Rows expected = R({{"long value one", "b", "c", "d"}, {"x"}, {"", "", ""}, {"Zoë", "q\"", "tail"}});
    CsvReader reader = CsvReader::fromData(input, QStringLiteral("x.csv"));
    std::vector<std::vector<Cell>> kept;
    reader.read([&](SheetRow &row) {
        if (take)
            kept.push_back(std::move(row.cells));
        else
            kept.push_back(row.cells);
        return true;
    });
    Rows got;
    for (const auto &cells : kept) {
        QStringList texts;
        for (const Cell &c : cells)
            texts.append(c.text);
        got.append(texts);
    }
    QCOMPARE(got, expected);
}

void tst_CsvReader::progressAndCancel_data()
{
    QTest::addColumn<int>("cancelAfter");
    QTest::newRow("complete") << -1;
    QTest::newRow("cancel-after-first-report") << 0;
}

void tst_CsvReader::progressAndCancel()
{
    QFETCH(int, cancelAfter);
    QByteArray input;
    const int rows = 20000;
    for (int i = 0; i < rows; ++i)
        input += "2025-11-03T01:23:45.678Z," + QByteArray::number(3000 + i) + ",Student " + QByteArray::number(i) + '\n';
    CsvReader reader = CsvReader::fromData(input, QStringLiteral("Incidents.csv"));
    CountingProgress progress;
    progress.cancelAfter = cancelAfter;
    int seen = 0;
    auto run = [&] {
        reader.read(
            [&seen](SheetRow &) {
                ++seen;
                return true;
            },
            &progress);
    };
    if (cancelAfter >= 0) {
        QVERIFY_THROWS_EXCEPTION(Cancelled, run());
        QVERIFY(seen < rows);
        QCOMPARE(progress.advances, 1);
    } else {
        run();
        QCOMPARE(seen, rows);
        QCOMPARE(progress.last, progress.total);
        QVERIFY(progress.advances > 1);
    }
    QCOMPARE(progress.phases, QStringList{QStringLiteral("Reading Incidents.csv")});
    QCOMPARE(progress.total, input.size());
    QVERIFY(!progress.wentBackwards);
}

void tst_CsvReader::missingFile()
{
    CsvReader reader(QStringLiteral("/nonexistent/dir/Incidents.csv"));
    try {
        readAll(reader);
        QFAIL("no SourceError thrown");
    } catch (const SourceError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("Incidents.csv cannot be opened")), qPrintable(e.message()));
    }
}

// A file read in two parts (as the importer does on two threads): for every cut, the part before it and the part
// after it give the rows, row numbers and first error of reading it whole. The texts are random mixtures of what
// moves record boundaries: quoted newlines, "" escapes, quotes inside unquoted values and after a closing quote,
// delimiters, blank lines, and each line-end convention (CR LF, LF, CR, LF CR), with a BOM or in UTF-16.
void tst_CsvReader::partsReadAsWhole_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<QByteArray>("lineEnd");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<QString>("encoding");
    const QList<QByteArray> ends{"\r\n", "\n", "\r", "\n\r"};
    const char delimiters[] = {',', ';', '\t'};
    const QStringList encodings{QStringLiteral("UTF-8"), QStringLiteral("UTF-8 (BOM)"),
                                QStringLiteral("UTF-16LE (BOM)")};
    for (quint32 seed = 1; seed <= 48; ++seed) {
        const QByteArray &end = ends.at(int(seed % 4));
        const char d = delimiters[(seed / 4) % 3];
        const QString &enc = encodings.at(seed % 7 == 0 ? 2 : seed % 5 == 0 ? 1 : 0);
        QTest::addRow("seed-%u-%s-%s", seed, QByteArray(end).replace('\r', "CR").replace('\n', "LF").constData(),
                      qPrintable(enc))
            << seed << end << d << enc;
    }
}

void tst_CsvReader::partsReadAsWhole()
{
    QFETCH(quint32, seed);
    QFETCH(QByteArray, lineEnd);
    QFETCH(char, delimiter);
    QFETCH(QString, encoding);
    QRandomGenerator rng(seed);
    const QByteArray d(1, delimiter);
    // The first line is a plain header: it decides the delimiter and the line ends (LF CR) as a real export does.
    QByteArray text = "timestamp" + d + "studentId" + d + "note" + d + "device" + lineEnd;
    const QList<QByteArray> pieces{"word", "\"", "\"\"", "\"q" + lineEnd + "uoted\"", "\"a" + d + "b\"\"c\"",
                                   d, d, d, lineEnd, lineEnd, "\n", "\r", "\r\n", "\"" + lineEnd + "\"",
                                   "x\"y", "\"\"\"", "\xC3\xA9", " "};
    const int count = 40 + int(rng.bounded(120));
    for (int k = 0; k < count; ++k)
        text += pieces.at(int(rng.bounded(quint32(pieces.size()))));
    if (seed % 3 == 0)
        text += "\"never closed"; // the last part fails
    if (seed % 11 == 0)
        text.insert(text.size() / 3, '\0'); // a NUL: some part fails
    QByteArray file = text;
    if (encoding == u"UTF-8 (BOM)")
        file.prepend("\xEF\xBB\xBF");
    else if (encoding.startsWith(u"UTF-16"))
        file = utf16(QString::fromUtf8(text), true);

    struct Read
    {
        Rows rows;
        QList<qint64> numbers;
        QString error;
    };
    auto read = [&file](CsvReader::Part part, Read &into) {
        CsvReader reader = CsvReader::fromData(file, QStringLiteral("parts.csv"));
        try {
            reader.read(
                [&into](SheetRow &row) {
                    QStringList texts;
                    for (const Cell &c : row.cells)
                        texts.append(c.text);
                    into.rows.append(texts);
                    into.numbers.append(row.number);
                    return true;
                },
                nullptr, part);
        } catch (const SourceError &e) {
            if (into.error.isEmpty())
                into.error = QString::fromUtf8(e.what());
            return false;
        }
        return true;
    };
    Read whole;
    read({}, whole);
    QVERIFY(!whole.rows.isEmpty() || !whole.error.isEmpty());
    for (qint64 cut = 1; cut <= qint64(text.size()) + 1; ++cut) {
        Read parts;
        if (read({0, cut}, parts))
            read({cut}, parts); // the later part's error counts only when the earlier part has none
        if (parts.rows != whole.rows || parts.numbers != whole.numbers || parts.error != whole.error) {
            qWarning() << "cut" << cut << "text" << text;
            QCOMPARE(parts.numbers, whole.numbers);
            QCOMPARE(parts.rows, whole.rows);
            QCOMPARE(parts.error, whole.error);
        }
    }
}

// Random fields written with a straightforward RFC 4180 writer come back identical.
void tst_CsvReader::generatedRoundTrip_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<QByteArray>("lineEnd");
    QTest::newRow("seed1-comma-lf") << 1u << ',' << QByteArray("\n");
    QTest::newRow("seed2-comma-crlf") << 2u << ',' << QByteArray("\r\n");
    QTest::newRow("seed3-semicolon-crlf") << 3u << ';' << QByteArray("\r\n");
    QTest::newRow("seed4-tab-lf") << 4u << '\t' << QByteArray("\n");
}

void tst_CsvReader::generatedRoundTrip()
{
    QFETCH(quint32, seed);
    QFETCH(char, delimiter);
    QFETCH(QByteArray, lineEnd);
    QRandomGenerator rng(seed);
    const QStringList pieces{QStringLiteral("word"), QStringLiteral(" "), QStringLiteral(","), QStringLiteral(";"),
                             QStringLiteral("\t"),   QStringLiteral("\""), QStringLiteral("\n"), QStringLiteral("\r\n"),
                             QStringLiteral(u"é"),  QStringLiteral(u"😀"), QStringLiteral("=SUM(A1)"), QStringLiteral("x")};
    Rows expected;
    QByteArray out;
    for (int r = 0; r < 300; ++r) {
        QStringList row;
        const int cols = 12;
        for (int c = 0; c < cols; ++c) {
            QString field;
            const int n = int(rng.bounded(6));
            for (int k = 0; k < n; ++k)
                field += pieces.at(int(rng.bounded(quint32(pieces.size()))));
            row.append(field);
        }
        if (row.join(QString()).isEmpty())
            row[0] = QStringLiteral("nonblank");
        expected.append(row);
        for (int c = 0; c < row.size(); ++c) {
            if (c)
                out += delimiter;
            const QByteArray f = row[c].toUtf8();
            const bool needsQuotes = f.contains(delimiter) || f.contains('"') || f.contains('\n') || f.contains('\r');
            if (needsQuotes)
                out += '"' + QByteArray(f).replace("\"", "\"\"") + '"';
            else
                out += f;
        }
        out += lineEnd;
    }
    CsvReader reader = CsvReader::fromData(out, QStringLiteral("gen.csv"));
    const ReadResult r = readAll(reader);
    QCOMPARE(reader.delimiter(), delimiter);
    QCOMPARE(r.rows.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(r.rows.at(i), expected.at(i));
    QCOMPARE(r.numbers, oneToN(expected.size()));
}

// Random damage ends in rows or a SourceError, never a crash; rows are numbered 1..n without gaps.
void tst_CsvReader::mutatedInputNeverCrashes_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 60; ++seed)
        QTest::addRow("seed-%u", seed) << seed;
}

void tst_CsvReader::mutatedInputNeverCrashes()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    QByteArray b("timestamp,studentId,note\r\n2025-11-03,3430,\"a, \"\"b\"\"\r\nc\"\r\n2025-11-04,3431,Zo\xC3\xAB\r\n");
    if (seed % 3 == 0)
        b = "\xEF\xBB\xBF" + b;
    if (seed % 5 == 0)
        b = utf16(QString::fromUtf8(b), seed % 2 == 0);
    static const char alphabet[] = ",;\t\"\r\n\xFF\xC3\x01 a";
    const int edits = 1 + int(rng.bounded(8));
    for (int e = 0; e < edits && !b.isEmpty(); ++e) {
        const qsizetype at = qsizetype(rng.bounded(quint32(b.size())));
        switch (rng.bounded(3)) {
        case 0: b.remove(at, 1 + qsizetype(rng.bounded(4))); break;
        case 1: b.insert(at, alphabet[rng.bounded(quint32(sizeof alphabet - 1))]); break;
        default: b[at] = alphabet[rng.bounded(quint32(sizeof alphabet - 1))]; break;
        }
    }
    CsvReader reader = CsvReader::fromData(b, QStringLiteral("m.csv"));
    try {
        const ReadResult r = readAll(reader);
        QCOMPARE(r.numbers, oneToN(r.rows.size()));
        QVERIFY(r.kindsConsistent);
    } catch (const SourceError &) {
    }
}

// Fields of any bytes but the delimiter, quote, line ends and NUL (valid UTF-8, a BOM anywhere, stray continuation
// bytes, sequences cut short, overlong forms, encoded surrogates, beyond U+10FFFF) decode exactly as
// QString::fromUtf8 decodes them, each on its own: nothing carried from the field before.
void tst_CsvReader::nonAsciiFieldsDecodeAsFromUtf8()
{
    const QList<QByteArray> pieces{"a",          "Zo\xC3\xAB", "\xEF\xBB\xBF", "\x80",          "\xBF\xBF",
                                   "\xC3",       "\xE2\x82",   "\xF0\x9F\x98", "\xC0\xAF",      "\xED\xA0\x80",
                                   "\xF4\x90\x80\x80", "\xF0\x9F\x8F\x83", "\xE2\x80\x94", "\xFF", "\xFE",
                                   "long ascii text of some length ", "\xC2\xA0"};
    QRandomGenerator rng(1414);
    for (int round = 0; round < 400; ++round) {
        QList<QByteArray> fields;
        QByteArray line;
        const int columns = 1 + int(rng.bounded(6));
        for (int c = 0; c < columns; ++c) {
            QByteArray f;
            const int n = 1 + int(rng.bounded(8));
            for (int k = 0; k < n; ++k)
                f += pieces[rng.bounded(int(pieces.size()))];
            if (c == 0)
                f.prepend('a'); // a BOM at the very start is the file's, not the field's (UTF-8 or UTF-16)
            if (rng.bounded(2) && !f.contains('"'))
                line += '"' + f + '"';
            else
                line += f;
            fields << f;
            line += c + 1 < columns ? "," : "\n";
        }
        CsvReader reader = CsvReader::fromData(line, QStringLiteral("x.csv"));
        reader.setDelimiter(',');
        const ReadResult r = readAll(reader);
        QCOMPARE(r.rows.size(), 1);
        QStringList expected;
        for (const QByteArray &f : fields)
            expected << QString::fromUtf8(f);
        QCOMPARE(r.rows.front(), expected);
    }
}

// ASCII fields of every length from 0 to 70, quoted and not, each widened whole (16, 8 and 1 bytes at a time).
void tst_CsvReader::asciiFieldsOfEveryLength()
{
    QByteArray input;
    QStringList expected;
    for (int len = 0; len <= 70; ++len) {
        QByteArray f;
        for (int i = 0; i < len; ++i)
            f += char('!' + (i * 7 + len) % 90 == '"' ? 'q' : '!' + (i * 7 + len) % 90 == ',' ? 'c' : '!' + (i * 7 + len) % 90);
        input += f + ",\"" + f + "\"" + (len < 70 ? "," : "\n");
        expected << QString::fromLatin1(f) << QString::fromLatin1(f);
    }
    CsvReader reader = CsvReader::fromData(input, QStringLiteral("x.csv"));
    const ReadResult r = readAll(reader);
    QCOMPARE(r.rows.size(), 1);
    QCOMPARE(r.rows.front(), expected);
    QVERIFY(r.kindsConsistent);
}

QTEST_GUILESS_MAIN(tst_CsvReader)
#include "tst_csvreader.moc"
