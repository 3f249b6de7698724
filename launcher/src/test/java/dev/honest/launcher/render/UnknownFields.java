package dev.honest.launcher.render;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds fields fabric8 did not recognise: it keeps them in {@code additionalProperties} instead of
 * failing, so a misspelt field in a manifest would otherwise go unnoticed until the API server
 * drops or rejects it.
 */
final class UnknownFields {
  private UnknownFields() {}

  /** Paths of every non-empty {@code additionalProperties} in the object tree, e.g. {@code $.Spec.Template: [completionMod]}. */
  static List<String> in(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, "$", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "[" + k + "]", found));
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || !isModelOrContainer(getter)) {
        continue;
      }
      Object child = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      } else {
        walk(child, path + "." + getter.getName().substring(3), found);
      }
    }
  }

  private static boolean isModelOrContainer(Method getter) {
    Class<?> type = getter.getReturnType();
    return Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
        || type.getName().startsWith("io.fabric8.kubernetes.api.model.");
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot call " + getter, e);
    }
  }
}
