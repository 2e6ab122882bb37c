package io.paypulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsAndTrims() {
        assertEquals(List.of("SELECT 1", "SELECT 2"), SqlScript.split("  SELECT 1;\n\nSELECT 2 ;\n"));
    }

    @Test
    void lastStatementNeedsNoSemicolon() {
        assertEquals(List.of("SELECT 1", "SELECT 2"), SqlScript.split("SELECT 1; SELECT 2"));
    }

    @Test
    void emptyStatementsAndCommentOnlyStatementsAreDropped() {
        assertEquals(List.of("SELECT 1"), SqlScript.split(";;\n-- only a comment;\n;SELECT 1;\n/* c */;"));
        assertEquals(List.of(), SqlScript.split("  \n-- nothing here\n"));
    }

    @Test
    void semicolonInsideSingleQuotesDoesNotSplit() {
        assertEquals(List.of("SELECT 'a;b'", "SELECT 2"), SqlScript.split("SELECT 'a;b'; SELECT 2;"));
    }

    @Test
    void escapedQuotesStayInsideTheString() {
        assertEquals(List.of("SELECT 'it''s;'", "SELECT 'x\\';y'"),
                SqlScript.split("SELECT 'it''s;'; SELECT 'x\\';y';"));
    }

    @Test
    void semicolonInsideQuotedIdentifiersDoesNotSplit() {
        assertEquals(List.of("SELECT 1 AS \"a;b\"", "SELECT 1 AS `c;d`"),
                SqlScript.split("SELECT 1 AS \"a;b\"; SELECT 1 AS `c;d`;"));
    }

    @Test
    void lineCommentsAreDroppedWithTheirSemicolons() {
        assertEquals(List.of("CREATE TABLE t (a String \n)"),
                SqlScript.split("-- header; with a semicolon\nCREATE TABLE t (a String -- why; because\n);"));
    }

    @Test
    void commentMarkersInsideStringsAreText() {
        assertEquals(List.of("SELECT '--not a comment;', '/* nor this */'"),
                SqlScript.split("SELECT '--not a comment;', '/* nor this */';"));
    }

    @Test
    void blockCommentsAreDroppedWithoutGluingTokens() {
        assertEquals(List.of("SELECT 1"), SqlScript.split("SELECT/* a; b */1;"));
    }

    @Test
    void unterminatedStringNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.split("SELECT 1;\nSELECT 'oops;\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void unterminatedBlockCommentNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.split("SELECT 1;\n\n/* never closed"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
