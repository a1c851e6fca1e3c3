import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A customer's JDBC code as written for RDS Proxy (pgjdbc, Debian's libpostgresql-jdbc-java), run as a single source
 * file: {@code java -cp /usr/share/java/postgresql.jar JdbcClient.java HOST PORT DATABASE ROOTCERT|- USER [USER ...]},
 * the n-th user's password in the environment's {@code DB_PASSWORD_n} (from 1). For each login it prints one JSON
 * line: the user and the item count a prepared statement read, or the SQLState and message of the refusal. With a
 * root certificate it verifies the server (verify-full); with {@code -} it does not use TLS.
 */
public class JdbcClient {
    public static void main(String[] args) {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        for (int i = 4; i < args.length; i++) {
            Properties properties = new Properties();
            properties.setProperty("user", args[i]);
            properties.setProperty("password", System.getenv("DB_PASSWORD_" + (i - 3)));
            properties.setProperty("connectTimeout", "5");
            properties.setProperty("socketTimeout", "10");
            if (args[3].equals("-")) {
                properties.setProperty("sslmode", "disable");
            } else {
                properties.setProperty("sslmode", "verify-full");
                properties.setProperty("sslrootcert", args[3]);
            }
            try (Connection connection = DriverManager.getConnection(url, properties);
                 PreparedStatement statement = connection.prepareStatement("SELECT current_user, count(*) FROM items WHERE id > ?")) {
                statement.setInt(1, 0);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    System.out.println("{\"user\": \"" + row.getString(1) + "\", \"items\": " + row.getLong(2) + "}");
                }
            } catch (SQLException error) {
                String message = String.valueOf(error.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
                System.out.println("{\"sqlState\": \"" + error.getSQLState() + "\", \"message\": \"" + message + "\"}");
            }
        }
    }
}
