package dev.llava4j.llava.eval.convert;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads the first sheet of an xlsx back as rows of cells (String, Double or null), for tests only. */
final class XlsxCells {

    private XlsxCells() {
    }

    static List<List<Object>> read(Path xlsx, int columns) throws Exception {
        try (ZipFile zip = new ZipFile(xlsx.toFile())) {
            List<String> shared = new ArrayList<>();
            ZipEntry sst = zip.getEntry("xl/sharedStrings.xml");
            if (sst != null) {
                NodeList sis = parse(zip, sst).getElementsByTagName("si");
                for (int i = 0; i < sis.getLength(); i++) {
                    shared.add(sis.item(i).getTextContent());
                }
            }
            Document sheet = parse(zip, zip.getEntry("xl/worksheets/sheet1.xml"));
            Map<Integer, Map<Integer, Object>> cells = new HashMap<>();
            int maxRow = -1;
            NodeList cs = sheet.getElementsByTagName("c");
            for (int i = 0; i < cs.getLength(); i++) {
                Element c = (Element) cs.item(i);
                String ref = c.getAttribute("r");
                int col = 0;
                int k = 0;
                while (Character.isLetter(ref.charAt(k))) {
                    col = col * 26 + (ref.charAt(k++) - 'A' + 1);
                }
                int row = Integer.parseInt(ref.substring(k)) - 1;
                maxRow = Math.max(maxRow, row);
                String type = c.getAttribute("t");
                NodeList v = c.getElementsByTagName("v");
                Object value;
                if (type.equals("inlineStr")) {
                    value = c.getElementsByTagName("is").item(0).getTextContent();
                } else if (v.getLength() == 0) {
                    value = null;
                } else if (type.equals("s")) {
                    value = shared.get(Integer.parseInt(v.item(0).getTextContent()));
                } else if (type.equals("str")) {
                    value = v.item(0).getTextContent();
                } else {
                    value = Double.parseDouble(v.item(0).getTextContent());
                }
                cells.computeIfAbsent(row, r -> new HashMap<>()).put(col - 1, value);
            }
            List<List<Object>> rows = new ArrayList<>();
            for (int r = 0; r <= maxRow; r++) {
                List<Object> row = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    row.add(cells.getOrDefault(r, Map.of()).get(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static Document parse(ZipFile zip, ZipEntry entry) throws Exception {
        try (InputStream in = zip.getInputStream(entry)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }
}
