package org.striate.data;

/** Class names come from files and folder names: they are printed, so control characters are refused. */
public final class ClassNames {
    private ClassNames() {}

    /** Returns {@code name} when it holds no control character; else throws naming {@code source}. */
    public static String check(String name, String source) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new DataFormatException(source + " has a class name with the control character U+"
                        + String.format("%04X", (int) name.charAt(i)) + " at position " + (i + 1) + ". Expected printable class names.");
            }
        }
        return name;
    }
}
