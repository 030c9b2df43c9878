package parley.transport;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * Value equality for messages: records component by component, byte arrays by content, lists element
 * by element. (Records holding arrays compare arrays by identity in their own {@code equals}.)
 */
final class Structural {
    private Structural() {}

    static boolean same(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.equals(x, y);
        if (a instanceof List<?> x && b instanceof List<?> y) return sameLists(x, y);
        if (a.getClass() != b.getClass()) return false;
        if (a.getClass().isRecord()) return sameRecords(a, b);
        return a.equals(b);
    }

    static void assertSame(Object expected, Object actual) {
        if (!same(expected, actual)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }

    private static boolean sameLists(List<?> x, List<?> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) {
            if (!same(x.get(i), y.get(i))) return false;
        }
        return true;
    }

    private static boolean sameRecords(Object a, Object b) {
        try {
            for (RecordComponent component : a.getClass().getRecordComponents()) {
                if (!same(component.getAccessor().invoke(a), component.getAccessor().invoke(b))) return false;
            }
            return true;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
